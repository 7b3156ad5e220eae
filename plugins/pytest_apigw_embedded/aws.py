"""The emulator's fake AWS identity: one account and one region, used by every floor.

The lowest floor of the embedded backend: it imports nothing of it, and anything may import it.
"""

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
