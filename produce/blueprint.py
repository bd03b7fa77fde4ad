"""The produce blueprint; its routes live in views_*.py modules, registered by produce/views.py."""
from flask import Blueprint

bp = Blueprint("produce", __name__, url_prefix="/produce")
