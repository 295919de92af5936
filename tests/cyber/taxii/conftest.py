from tests.core.conftest import signed_in

__all__ = ["signed_in"]
