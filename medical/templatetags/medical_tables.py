"""``{% load medical_tables %}``: the medical pages' tables, PDF button and e-Tax preview
(medical/tables.py)."""

from django import template

from medical import tables

register = template.Library()

register.simple_tag(tables.claims_table, name="claims_table")
register.simple_tag(tables.pdf_button, name="pdf_button", takes_context=True)
register.simple_tag(tables.etax_preview, name="etax_preview")
