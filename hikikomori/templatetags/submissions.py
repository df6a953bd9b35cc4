from django import template
from django.utils.html import format_html

from hikikomori.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token():
    """A hidden field with a fresh token: the form's answer is stored once, however often it is sent."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
