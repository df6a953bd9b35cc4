from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Moving records in and out: imports (一括登録) and exports in the import formats. It writes
    cases and outreach records through their services; the reports app only reads."""

    name = "exchange"
    verbose_name = "移行・一括登録"
