"""``{% load medical_tables %}``: the medical pages' long tables (medical/tables.py)."""

from django import template

from medical import tables

register = template.Library()

register.simple_tag(tables.claim_rows, name="claim_rows")
register.simple_tag(tables.etax_person_groups, name="etax_person_groups")
