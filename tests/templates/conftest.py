"""Template tests: quiet jsii's banner about the Node.js version (aws-cdk-lib still works)."""

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
