"""marshmallow schemas: what comes in, what goes out, and query arguments."""
