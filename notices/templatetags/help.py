"""``{% load help %}``: help answers with their manual citations as links (notices.citations)."""

from django import template

from notices.citations import answer_paragraphs

register = template.Library()
register.filter("answer_paragraphs", answer_paragraphs)
