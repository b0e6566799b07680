"""Online submission, step by step (mounted at /nop-ho-so/)."""

urlpatterns: list = []
