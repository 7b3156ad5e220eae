"""The Lambda runtime (in-process and worker processes) of the embedded backend."""
