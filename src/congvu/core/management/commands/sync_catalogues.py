"""`congvu sync_catalogues`: refresh the gettext catalogues from the source.

Vietnamese is the source language, so the Vietnamese catalogue is generated
(msgstr = msgid) and only the English one needs a translator. Run it after
changing UI text; `tests/core/test_i18n.py` fails while a catalogue is stale.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

import polib

SOURCE_LANGUAGE = "vi"


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def fill_source_catalogue(path: Path) -> None:
    """Make the Vietnamese catalogue complete: each msgstr repeats its msgid."""
    po = polib.pofile(str(path))
    po.metadata_is_fuzzy = False
    po.metadata.update(
        {
            "Project-Id-Version": "congvu",
            "Language": SOURCE_LANGUAGE,
            "Language-Team": "congvu <vi>",
            "Last-Translator": "congvu (generated: Vietnamese is the source language)",
            "PO-Revision-Date": po.metadata.get("POT-Creation-Date", ""),
        }
    )
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


class Command(BaseCommand):
    help = "Run makemessages for vi and en, then fill the Vietnamese (source) catalogue."

    def handle(self, *args, **options):
        import os

        cwd = os.getcwd()
        os.chdir(locale_dir().parent)
        try:
            call_command(
                "makemessages", locale=["vi", "en"], no_obsolete=True, no_location=True, verbosity=0
            )
        finally:
            os.chdir(cwd)
        fill_source_catalogue(locale_dir() / SOURCE_LANGUAGE / "LC_MESSAGES" / "django.po")
        en = polib.pofile(str(locale_dir() / "en" / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in en if not e.translated()]
        self.stdout.write(f"vi: complete; en: {len(missing)} message(s) to translate")
        for msgid in missing[:50]:
            self.stdout.write(f"  - {msgid}")
