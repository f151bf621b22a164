"""Uploads spooled to disk: copied under ``MODUAI_HOME/tmp`` in 1 MiB blocks with the size limit checked
while copying (a 200 MB body is refused at 20 MB, never held in memory); the folder is named after the
process so a killed server's copies are cleaned at the next start (:mod:`moduai.housekeeping`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi import UploadFile

from moduai.errors import InputError
from moduai.housekeeping import new_spool_folder

MAX_UPLOAD = 20 * 1024 * 1024


def spool_upload(file: UploadFile | None):
    """Copy the upload to a file of its own under ``MODUAI_HOME/tmp`` in 1 MiB blocks, refusing it as soon
    as it passes 20 MB (never held in memory whole); returns (folder, path, file name)."""
    if file is None or not file.filename:
        raise InputError("올릴 CSV 파일을 골라 주세요.", field="file")
    name = Path(file.filename).name.replace("\x00", "")[:200] or "upload.csv"
    folder = new_spool_folder()
    target = folder / "upload.bin"
    size = 0
    try:
        with target.open("wb") as out:
            while block := file.file.read(1 << 20):
                size += len(block)
                if size > MAX_UPLOAD:
                    raise InputError("파일이 20 MB보다 큽니다. 나눠서 올려 주세요.", field="file")
                out.write(block)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, target, name


def read_upload(file: UploadFile | None) -> tuple[bytes, str]:
    """The upload's bytes (spooled to disk first, so the size limit holds while reading)."""
    folder, path, name = spool_upload(file)
    try:
        return path.read_bytes(), name
    finally:
        shutil.rmtree(folder, ignore_errors=True)
