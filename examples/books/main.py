"""Run the books example on the embedded backend and show what a client sees.

    python examples/books/main.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from books import books_api  # noqa: E402

from pytest_apigw.standalone import deployed  # noqa: E402


def main() -> int:
    """Deploy, call three routes, print the answers; exit non-zero if any is unexpected."""
    with deployed(books_api()) as deployment, deployment.client() as client:
        print(f"deployed {deployment.api_id} at {deployment.url}")
        ok = True
        for path, expected in (("/books", 200), ("/books/2", 200), ("/authors", 404)):
            response = client.get(path)
            ok &= response.status_code == expected
            print(f"GET {path} -> {response.status_code} {response.text}")
    print("ok" if ok else "unexpected answers")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
