"""The page's texts per language: `texts_for("tr")` → Texts; German is the default."""
from ui.i18n import ar, de, en, pl, ru, tr
from ui.i18n.catalogue import Texts
from ui.i18n.choose import CATALOGUES, LANGUAGES, from_accept_language, texts_for

__all__ = ["CATALOGUES", "Texts", "LANGUAGES", "texts_for", "from_accept_language", "ar", "de", "en", "pl", "ru", "tr"]
