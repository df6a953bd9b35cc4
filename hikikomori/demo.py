"""Demo-data steps contributed by the apps (run by `seed_demo` after the accounts)."""

from collections.abc import Callable

_STEPS: list[Callable] = []


def register_demo_step(func: Callable) -> Callable:
    _STEPS.append(func)
    return func


def demo_steps() -> list[Callable]:
    return list(_STEPS)
