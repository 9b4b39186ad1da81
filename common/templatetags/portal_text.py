"""Template filters for text whose punctuation differs between Chinese and English."""

from django import template

from common.text import join_list

register = template.Library()
register.filter("listing", join_list)
