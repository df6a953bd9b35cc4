"""Small explicit records for tests: plain `objects.create` helpers."""


def world(*, coordinator, center, chikuho) -> dict:
    return {"coordinator": coordinator, "center": center, "chikuho": chikuho}
