from django import forms
from django.utils.translation import gettext_lazy as _

from .importing.kinds import LABELS

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=list(LABELS.items()))
    file = forms.FileField(label=_("ファイル（.csv または .xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.name.lower().endswith(".xls"):
            raise forms.ValidationError(
                _(
                    "古い形式（.xls）のファイルです。Excelで「Excel ブック（.xlsx）」として保存し直してください。"
                )
            )
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("CSV（.csv）またはExcel（.xlsx）のファイルを指定してください。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（50MBまで）。分けて取り込んでください。"))
        return upload
