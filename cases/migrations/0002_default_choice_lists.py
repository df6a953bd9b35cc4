from django.db import migrations

# The national white paper's list of referral destinations (つなぎ先).
DESTINATIONS = [
    "他のひきこもり地域支援センター",
    "精神保健福祉センター",
    "保健所・保健センター",
    "福祉事務所",
    "福祉事務所以外の市区町村窓口",
    "自立相談支援事業実施機関",
    "社会福祉協議会",
    "地域包括支援センター",
    "障害者総合支援関連施設",
    "障害者雇用促進関連施設",
    "発達障害者支援センター",
    "児童相談所",
    "子ども・若者総合相談センター",
    "地域若者サポートステーション",
    "ハローワーク",
    "学校・教育委員会等",
    "医療機関",
    "企業",
    "民間支援団体",
    "その他",
]
ROUTES = [
    "本人・家族から直接",
    "市町村",
    "保健所・保健福祉環境事務所",
    "医療機関",
    "学校・教育委員会等",
    "福祉関係機関",
    "ホームページ・広報",
    "知人・その他",
]
CLOSURE_REASONS = [
    "目標達成",
    "他機関へつないだ",
    "就労・就学",
    "転居",
    "本人・家族の希望",
    "連絡途絶",
    "死亡",
    "その他",
]


def load(apps, schema_editor):
    for model_name, labels in (
        ("ReferralDestination", DESTINATIONS),
        ("ReferralRoute", ROUTES),
        ("ClosureReason", CLOSURE_REASONS),
    ):
        model = apps.get_model("cases", model_name)
        for order, label in enumerate(labels, start=1):
            model.objects.get_or_create(label=label, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_clients_families_consultations")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
