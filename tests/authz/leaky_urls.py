"""URLconf filled in by test_walker_catches_a_leaking_route."""

urlpatterns: list = []
