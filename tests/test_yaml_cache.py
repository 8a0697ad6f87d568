"""Parsed codebook YAML kept between runs: the same data back, only what JSON holds exactly, and a
cache that cannot be used is no cache."""

from pathlib import Path

import yaml

from assets.ingest import codebook, yaml_cache

INTERVIEWS = b"""instrument: pmg_interviews
themes:
  Diagnose\\Werkdruk: {section: Diagnose, jdr_category: werk_stressor, igloo_level: Individu}
scale: {min: 0, max: 10.5}
flags: [true, null]
"""


def test_a_parsed_codebook_comes_back_from_the_cache_without_yaml(tmp_path, monkeypatch):
    expected = yaml.safe_load(INTERVIEWS)
    parsed = codebook.parse_yaml(INTERVIEWS, tmp_path)
    assert yaml_cache.cache_file(tmp_path, INTERVIEWS).exists()
    codebook.parse_yaml.cache_clear()   # as a new run's process starts

    def no_yaml(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml, "load", no_yaml)
    again = codebook.parse_yaml(INTERVIEWS, tmp_path)
    assert again == parsed == expected and again["scale"]["max"] == 10.5


def test_what_json_would_change_is_not_kept(tmp_path):
    for blob in (b"labels: {1: Nooit, 2: Soms}\n", b"fieldwork: 2024-03-01\n"):
        assert yaml_cache.cached(tmp_path, blob) is None
        yaml_cache.keep(tmp_path, blob, yaml.safe_load(blob))
        assert yaml_cache.cached(tmp_path, blob) is None   # number keys, a date: parsed each time
    assert not list(tmp_path.iterdir())


def test_an_edited_or_broken_cache_entry_is_parsed_again(tmp_path):
    yaml_cache.keep(tmp_path, INTERVIEWS, yaml.safe_load(INTERVIEWS))
    edited = INTERVIEWS.replace(b"10.5", b"10")
    assert yaml_cache.cached(tmp_path, edited) is None   # other bytes, another entry
    yaml_cache.cache_file(tmp_path, INTERVIEWS).write_text("{not json")
    assert yaml_cache.cached(tmp_path, INTERVIEWS) is None
    codebook.parse_yaml.cache_clear()
    assert codebook.parse_yaml(INTERVIEWS, tmp_path) == yaml.safe_load(INTERVIEWS)


def test_a_folder_that_cannot_be_written_is_no_cache(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    yaml_cache.keep(blocked / "codebooks", INTERVIEWS, yaml.safe_load(INTERVIEWS))
    assert yaml_cache.cached(blocked / "codebooks", INTERVIEWS) is None


def test_an_entry_parsed_under_other_rules_is_not_found(tmp_path, monkeypatch):
    """An upgrade that changes what parsing accepts (codebook.py, PyYAML) finds no entry of the old rules:
    a key given twice, refused now, must not load from an entry an older version kept."""
    assert yaml_cache.RULES == Path(codebook.__file__).read_bytes() + Path(yaml_cache.__file__).read_bytes()
    yaml_cache.keep(tmp_path, INTERVIEWS, yaml.safe_load(INTERVIEWS))
    assert yaml_cache.cached(tmp_path, INTERVIEWS) is not None
    monkeypatch.setattr(yaml_cache, "RULES", yaml_cache.RULES + b"# changed")
    assert yaml_cache.cached(tmp_path, INTERVIEWS) is None
    monkeypatch.undo()
    assert yaml_cache.cached(tmp_path, INTERVIEWS) is not None
    monkeypatch.setattr(yaml, "__version__", yaml.__version__ + ".1")  # PyYAML upgraded: it may parse otherwise
    assert yaml_cache.cached(tmp_path, INTERVIEWS) is None


def test_entries_no_run_has_read_for_long_go_when_another_is_written(tmp_path):
    """Each edited codebook and each upgrade of the parsing code left an entry for good."""
    import os
    import time

    from assets.ingest import disk_cache

    stale, in_use = disk_cache.entry(tmp_path, b"old codebook"), disk_cache.entry(tmp_path, b"this year's")
    disk_cache.write(stale, {"a": 1})
    disk_cache.write(in_use, {"b": 2})
    long_ago = time.time() - (disk_cache.UNUSED_DAYS + 1) * 86_400
    for path in (stale, in_use):
        os.utime(path, (long_ago, long_ago))
    assert disk_cache.read(in_use) == {"b": 2}  # read by this year's run: in use again
    disk_cache.write(disk_cache.entry(tmp_path, b"an edited codebook"), {"c": 3})
    assert not stale.exists() and disk_cache.read(in_use) == {"b": 2}
    assert len(list(tmp_path.glob("*.json"))) == 2
    # what a writer killed between its temporary file and the rename left, a day ago
    left = tmp_path / ".abc.tmp"
    left.write_text("{", encoding="utf-8")
    os.utime(left, (time.time() - 2 * 86_400,) * 2)
    disk_cache.write(disk_cache.entry(tmp_path, b"another"), {"d": 4})
    assert not left.exists()


def test_a_folder_another_user_can_write_is_no_cache(tmp_path):
    """An entry is read as trusted: a codebook from it is not checked as YAML again, and the
    masking's tables decide what is masked. An entry forged in a folder others can write, or own,
    must not be read (nor anything written there for them to edit)."""
    import os

    from assets.ingest import disk_cache

    forged = {"instrument": "pmg_interviews", "themes": {}}
    folder = tmp_path / "codebooks"
    folder.mkdir(mode=0o700)
    disk_cache.write(yaml_cache.cache_file(folder, INTERVIEWS), forged)
    assert yaml_cache.cached(folder, INTERVIEWS) == forged  # the service's own folder: read
    os.chmod(folder, 0o777)
    assert disk_cache.untrusted(folder) == f"{folder} is writable by every user"
    assert yaml_cache.cached(folder, INTERVIEWS) is None
    assert codebook.parse_yaml.__wrapped__(INTERVIEWS, folder) == yaml.safe_load(INTERVIEWS)  # parsed, checked
    os.chmod(folder, 0o700)
    entry = yaml_cache.cache_file(folder, INTERVIEWS)
    os.chmod(entry, 0o666)
    assert yaml_cache.cached(folder, INTERVIEWS) is None  # the entry itself writable by others
    os.chmod(entry, 0o600)
    if os.getuid() == 0:  # as root the test can give the folder to another user
        os.chown(folder, 65534, -1)
        assert "belongs to another user" in disk_cache.untrusted(folder)
        assert yaml_cache.cached(folder, INTERVIEWS) is None
        other = tmp_path / "elsewhere"
        other.mkdir(mode=0o700)
        os.chown(other, 65534, -1)
        yaml_cache.keep(other, INTERVIEWS, forged)
        assert not list(other.iterdir())  # nothing written there either


def test_a_group_or_an_access_list_that_lets_others_write_makes_no_cache(tmp_path):
    """A group counts by who is in it: listed members, and users whose own group it is (never
    listed); an access control list can give write access the mode does not show."""
    import os
    import pwd
    import struct

    import pytest

    from assets.ingest import disk_cache

    folder = tmp_path / "codebooks"
    folder.mkdir(mode=0o770)
    os.chmod(folder, 0o770)
    os.chown(folder, -1, os.getgid())
    others_of_my_group = [u for u in pwd.getpwall() if u.pw_gid == os.getgid() and u.pw_uid != os.getuid()]
    assert (disk_cache.untrusted(folder) is None) == (not others_of_my_group)
    if os.getuid() != 0:
        pytest.skip("the rest gives the folder to another group, which takes root")
    nobody = pwd.getpwnam("nobody")  # a user whose own group (65534) lists no members
    os.chown(folder, -1, nobody.pw_gid)
    assert "writable by the group" in disk_cache.untrusted(folder) and "nobody" in disk_cache.untrusted(folder)
    os.chown(folder, -1, os.getgid())
    os.chmod(folder, 0o750)
    # POSIX ACL (version 2): owner rwx, user nobody rwx, group r-x, mask rwx, others ---
    acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, uid) for tag, perm, uid in (
        (0x01, 7, 0xFFFFFFFF), (0x02, 7, nobody.pw_uid), (0x04, 5, 0xFFFFFFFF), (0x10, 7, 0xFFFFFFFF),
        (0x20, 0, 0xFFFFFFFF)))
    try:
        os.setxattr(folder, "system.posix_acl_access", acl)
    except OSError:
        pytest.skip("this file system keeps no access control lists")
    assert "access control list" in disk_cache.untrusted(folder)


def test_the_folders_a_cache_makes_are_the_users_alone_whatever_the_umask(tmp_path):
    """Made with umask 002 the cache's root was 0775: with others in the user's group, every later
    run found its own cache untrusted."""
    import os

    from assets.ingest import disk_cache

    old = os.umask(0o002)
    try:
        disk_cache.write(tmp_path / "cache" / "mhm" / "codebooks" / "x.json", {"a": 1})
    finally:
        os.umask(old)
    for folder in (tmp_path / "cache", tmp_path / "cache" / "mhm", tmp_path / "cache" / "mhm" / "codebooks"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    assert disk_cache.read(tmp_path / "cache" / "mhm" / "codebooks" / "x.json") == {"a": 1}


def test_a_group_writable_folder_is_no_cache_when_the_group_lists_someone_else(tmp_path, monkeypatch):
    """Listed members count as well as users whose own group it is; the running user listed in
    the group is no one else."""
    import os
    import pwd
    from types import SimpleNamespace

    from assets.ingest import disk_cache

    folder = tmp_path / "codebooks"
    folder.mkdir(mode=0o770)
    os.chmod(folder, 0o770)
    me = pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setattr(disk_cache.pwd, "getpwall", lambda: [])  # no one else has it as their own group
    monkeypatch.setattr(disk_cache.grp, "getgrgid", lambda gid: SimpleNamespace(gr_name="staff", gr_mem=[me]))
    assert disk_cache.untrusted(folder) is None
    monkeypatch.setattr(disk_cache.grp, "getgrgid",
                        lambda gid: SimpleNamespace(gr_name="staff", gr_mem=[me, "mallory"]))
    assert disk_cache.untrusted(folder) == f"{folder} is writable by the group staff, of mallory"


def test_an_entry_that_is_json_but_no_entry_is_no_cache(tmp_path):
    from assets.ingest import disk_cache

    path = disk_cache.entry(tmp_path, b"codebook")
    for text in ('[{"value": 1}]', '"value"', "{}", "null"):
        path.write_text(text, encoding="utf-8")
        assert disk_cache.read(path) is None, text
