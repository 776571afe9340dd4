"""Hard links: a tar keeps them (and may make one to a file elsewhere on the disk, such as the user's own
~/.bashrc when it is unpacked at home), `cp -al` makes folders of them, and on a shared machine anyone may
link a file of theirs into a folder. A hard link is not a link to lstat: it is the same file under a second
name. So whatever the app writes *in place* (an append, a lock file's process id) must refuse a file that has
more than one name; what it writes atomically (temp file + rename) replaces the name and never touches the
other one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desktop_cls.core import contained
from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR, Workspace
from desktop_cls.core.run_lock import FolderLock, RunLock
from desktop_cls.core.storage import append_jsonl, write_json
from tests.cli.test_cli import run_cli
from tests.security.conftest import tree_snapshot

pytestmark = pytest.mark.skipif(not hasattr(os, "link") or os.name == "nt", reason="needs POSIX hard links")


def test_an_append_or_a_lock_never_writes_to_a_file_with_another_name(tmp_path: Path, victim: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    os.link(victim / ".bashrc", run / rd.METRICS)
    os.link(victim / "thesis.docx", run / rd.LOCK_NAME)
    before = tree_snapshot(victim)
    with pytest.raises(contained.Refused, match=r"metrics\.jsonl has another name \(a hard link\)"):
        append_jsonl(run / rd.METRICS, {"epoch": 1}, root=run)
    with pytest.raises(contained.Refused, match=r"\.lock has another name"):
        RunLock(run).acquire()  # it truncated the file and wrote the process id into it
    out = tmp_path / "out"  # `train --out OUT` where OUT holds only such a lock
    out.mkdir()
    os.link(victim / "thesis.docx", out / rd.LOCK_NAME)
    with pytest.raises(contained.Refused, match=r"\.lock has another name"):
        rd.new_run_dir(out, "m")
    assert not rd.run_in_use(run)  # reading it is no harm
    write_json(run / rd.METRICS, {"replaced": True}, root=run)  # an atomic write replaces the name only
    assert tree_snapshot(victim) == before and (victim / ".bashrc").read_text() == "export PATH=$PATH\n"


def test_a_dataset_journal_with_another_name_is_set_aside_and_such_a_lock_replaced(dataset: Path,
                                                                                      victim: Path) -> None:
    other = victim / "other_dataset"  # another dataset of the user's, with a labeling history of its own
    shutil.copytree(dataset, other)
    Workspace(other).assign([other / "cat" / "cat0.png"], "dog")
    (dataset / STATE_DIR).mkdir()
    os.link(other / STATE_DIR / JOURNAL, dataset / STATE_DIR / JOURNAL)
    os.link(victim / ".bashrc", dataset / STATE_DIR / "lock")
    before = tree_snapshot(victim)
    ws = Workspace(dataset)
    assert not ws.read_only
    assert not any(f"{STATE_DIR}/lock" in n for n in ws.notices), ws.notices  # a lock is no user data: no notice
    assert any(JOURNAL in n and "another name" in n for n in ws.notices), ws.notices
    ws.assign([dataset / "cat" / "cat1.png"], "dog")  # labeling works, with a fresh journal and lock
    ws.undo()
    assert tree_snapshot(victim) == before and (victim / ".bashrc").stat().st_nlink == 1
    assert not list((dataset / STATE_DIR).glob("lock.*")) and (dataset / STATE_DIR / "lock").stat().st_nlink == 1
    assert (dataset / "cat" / "cat1.png").is_file()


def test_a_folder_lock_left_with_another_name_is_refused_not_truncated(tmp_path: Path, victim: Path) -> None:
    root = tmp_path / "ds"
    (root / STATE_DIR).mkdir(parents=True)
    os.link(victim / "secret.txt", root / STATE_DIR / "lock")
    before = tree_snapshot(victim)
    with pytest.raises(contained.Refused, match="another name"):
        FolderLock(root, f"{STATE_DIR}/lock").try_acquire()
    assert tree_snapshot(victim) == before


@pytest.mark.parametrize("name", [rd.LOCK_NAME, rd.METRICS])
def test_resume_of_a_run_whose_control_file_has_another_name_is_refused(
        capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path], tmp_path: Path, victim: Path,
        name: str) -> None:
    run = tmp_path / "shared_run"
    shutil.copytree(trained_run[0], run, symlinks=True)
    (run / name).unlink(missing_ok=True)
    os.link(victim / ".bashrc", run / name)
    before = tree_snapshot(victim)
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5")
    assert code != 0 and f"{name} has another name" in err and "Traceback" not in err
    assert tree_snapshot(victim) == before


def linked_copy(src: Path, dst: Path) -> None:
    """`cp -al src dst`: the same folders, every file a second name of the file in src."""
    for dirpath, _dirs, files in os.walk(src):
        here = dst / Path(dirpath).relative_to(src)
        here.mkdir(parents=True)
        for name in files:
            os.link(Path(dirpath) / name, here / name)


def test_a_backup_made_with_hard_links_keeps_its_history_and_the_dataset_goes_on_with_its_own(
        tmp_path: Path, dataset: Path) -> None:
    import gc

    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    del ws
    gc.collect()  # (the writer lock goes with the last Workspace)
    backup = tmp_path / "backup"
    linked_copy(dataset, backup)
    before = tree_snapshot(backup)
    ws = Workspace(dataset)
    assert any("own copy of its labeling history" in n for n in ws.notices), ws.notices
    assert ws.can_undo()  # the history goes on (it was set aside as another file's, and undo was lost)
    ws.assign([dataset / "cat" / "cat1.png"], "dog")
    ws.undo()
    ws.undo()
    assert (dataset / "cat" / "cat0.png").is_file() and (dataset / "cat" / "cat1.png").is_file()
    assert tree_snapshot(backup) == before  # the backup's journal, lock and images are as they were
    assert (backup / "dog" / "cat0.png").read_bytes() == b"cat-0"


def lock_of(root: Path) -> tuple[int, int, bytes]:
    st = (root / STATE_DIR / "lock").lstat()
    return st.st_ino, st.st_nlink, (root / STATE_DIR / "lock").read_bytes()


def writer_locked(root: Path) -> bool:
    """Another app instance (a lock on its own open file) could not take root's writer lock."""
    other = FolderLock(root, f"{STATE_DIR}/lock")
    try:
        return not other.try_acquire()
    finally:
        other.release()


@pytest.mark.parametrize("original_open", [False, True])
def test_a_copy_made_with_hard_links_gets_a_writer_lock_of_its_own(tmp_path: Path, dataset: Path,
                                                                   original_open: bool) -> None:
    """`cp -al` copies the lock as a second name of the original's: the copy's name goes (it was set aside as
    lock.not-used-<time> with a notice each time), the original's lock is never opened for writing."""
    import gc

    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    if not original_open:
        del ws
        gc.collect()  # (the writer lock goes with the last Workspace)
    copy = tmp_path / "copy"
    linked_copy(dataset, copy)
    ino, links, text = lock_of(dataset)
    assert links == 2 and lock_of(copy)[0] == ino
    copied = Workspace(copy)
    assert not copied.read_only and not any(f"{STATE_DIR}/lock" in n for n in copied.notices), copied.notices
    assert lock_of(dataset) == (ino, 1, text)  # the original's lock: the same file, its content untouched
    assert lock_of(copy)[:2] != (ino, 1) and lock_of(copy)[1] == 1
    original = Workspace(dataset)
    assert not original.read_only and not any(f"{STATE_DIR}/lock" in n for n in original.notices), original.notices
    assert writer_locked(dataset) and writer_locked(copy)  # each folder has its own writer
    copied.assign([copy / "cat" / "cat1.png"], "dog")
    original.assign([dataset / "cat" / "cat1.png"], "dog")
    assert not [p for d in (dataset, copy) for p in (d / STATE_DIR).iterdir() if "not-used" in p.name]


def test_a_shared_lock_another_app_holds_is_left_and_a_lock_that_is_a_link_still_set_aside(tmp_path: Path,
                                                                                           dataset: Path) -> None:
    import gc

    Workspace(dataset).assign([dataset / "cat" / "cat0.png"], "dog")
    gc.collect()
    other = FolderLock(dataset, f"{STATE_DIR}/lock")  # another app instance labels the original
    assert other.try_acquire()
    copy = tmp_path / "copy"
    linked_copy(dataset, copy)
    before = lock_of(dataset)
    try:  # it may be labeling this very folder (it locked the file before it had two names): hands off
        ws = Workspace(copy)
        assert ws.read_only and "another window" in ws.read_only and lock_of(copy) == lock_of(dataset) == before
    finally:
        other.release()
    assert not Workspace(copy).read_only and lock_of(dataset) == (before[0], 1, before[2])
    linked = tmp_path / "linked"
    linked_copy(dataset, linked)
    (linked / STATE_DIR / "lock").unlink()
    os.symlink(dataset / STATE_DIR / "lock", linked / STATE_DIR / "lock")  # never written through
    ws = Workspace(linked)
    assert any("lock" in n and "a link" in n for n in ws.notices), ws.notices
    assert [p.name.startswith("lock.not-used-") for p in (linked / STATE_DIR).glob("lock.*")] == [True]
    assert lock_of(dataset) == (before[0], 1, before[2])


def test_a_thumbnail_cache_entry_with_another_name_or_a_link_is_a_miss_and_never_touched(
        tmp_path: Path, victim: Path) -> None:
    from desktop_cls.core.data.thumbnail_cache import Thumbnail, ThumbnailCache

    cache = ThumbnailCache(tmp_path / "cache")
    cache.put("ab" * 16, 64, Thumbnail(2, 1, bytes(6)))
    assert cache.get("ab" * 16, 64) is not None
    for digest, how in (("cd" * 16, os.link), ("ef" * 16, os.symlink)):
        entry = cache._path(digest, 64)
        entry.parent.mkdir(parents=True, exist_ok=True)
        how(victim / "thesis.docx", entry)  # a data folder from someone else, or a cache copied with cp -al
    os.utime(victim / "thesis.docx", ns=(10**18, 10**18))
    before = tree_snapshot(victim)
    assert cache.get("cd" * 16, 64) is None and cache.get("ef" * 16, 64) is None
    assert tree_snapshot(victim) == before  # its date was set to the time of reading, through either name
