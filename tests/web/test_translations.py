"""Every catalogue is complete and compiled; the interface speaks Vietnamese first."""

from __future__ import annotations

import io
import shutil

import pytest
from babel.messages.catalog import Catalog

from casework import i18n_commands
from casework.i18n_commands import (
    catalogue_paths,
    catalogue_problems,
    compile_catalogue,
    missing_strings,
    write_catalogue,
)

FOUNDATION_DOMAINS = ("web", "accounts")


@pytest.mark.parametrize("path", catalogue_paths(), ids=lambda path: path.parts[-5])
def test_every_catalogue_is_complete_and_compiled(path):
    assert catalogue_problems(path) == []


@pytest.mark.parametrize("domain", FOUNDATION_DOMAINS)
def test_every_foundation_string_is_in_its_catalogue(domain):
    assert i18n_commands.po_path(domain).exists()
    assert missing_strings(domain) == []


def test_the_web_domain_owns_the_root_templates():
    names = {path.name for path in i18n_commands.source_files("web")}
    assert {"base.html", "macros.html", "home.html", "error.html"} <= names


def test_check_names_empty_and_fuzzy_strings_and_a_stale_mo(tmp_path):
    path = tmp_path / "messages.po"
    catalog = Catalog(locale="vi")
    catalog.add("Sign in", "Đăng nhập")
    catalog.add("Sign out", "")
    catalog.add("Save", "Lưu", flags=["fuzzy"])
    write_catalogue(path, catalog)
    assert catalogue_problems(path) == [
        "untranslated 'Sign out' (empty)", "untranslated 'Save' (fuzzy)",
        "no compiled .mo: run `casework i18n compile`"]
    assert compile_catalogue(path) is True
    assert compile_catalogue(path) is False, "an unchanged catalogue is not rewritten"
    catalog.get("Sign in").string = "Vào hệ thống"
    write_catalogue(path, catalog)
    assert ".mo is older than the .po: run `casework i18n compile`" in catalogue_problems(path)


def test_update_keeps_translations_and_adds_new_strings(tmp_path, monkeypatch):
    package = tmp_path / "casework"
    shutil.copytree(i18n_commands.PACKAGE_DIR / "web", package / "web")
    (package / "web" / "extra.py").write_text('from flask_babel import lazy_gettext as _l\n'
                                              'LABEL = _l("A brand new label")\n')
    monkeypatch.setattr(i18n_commands, "PACKAGE_DIR", package)
    path, to_translate = i18n_commands.update_catalogue("web")
    assert to_translate == 1
    translated = {message.id: message.string for message in i18n_commands.read_catalogue(path)}
    assert translated["A brand new label"] == "" and translated["Sign out"] == "Đăng xuất"


def test_pages_are_in_vietnamese_by_default_and_in_english_by_choice(client):
    page = client.get("/login").text
    assert "<h1>Đăng nhập</h1>" in page and "Tên đăng nhập" in page
    client.post("/language", data={"language": "en"})
    assert "<h1>Sign in</h1>" in client.get("/login").text


def test_a_plural_entry_compares_equal_after_compiling():
    from babel.messages.mofile import read_mo

    catalog = Catalog(locale="vi")
    catalog.add(("%(n)d call", "%(n)d calls"), ("%(n)d cuộc gọi",))
    catalog.add("Save", "Lưu")
    from_mo = read_mo(io.BytesIO(i18n_commands.compiled(catalog)))
    assert i18n_commands.translations(from_mo) == i18n_commands.translations(catalog)
