"""Input widgets that hand pages only clean data: images (upload or camera) and capped text.

Validation is in ``dlcore.inputs`` (pure, tested on a corpus of bad files); this module shows
its messages on the page. A refused input returns None and the session keeps working.
"""

from __future__ import annotations

import streamlit as st

from dlcore.data.mnist import DataUnavailable, download_mnist
from dlcore.inputs import MAX_BYTES, InputError, LoadedImage, clean_text, load_image

IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]


def validate_upload(
    data: bytes | None, *, mode: str = "RGB", max_side: int | None = None
) -> LoadedImage | None:
    """Decode bytes from an uploader or camera; show the reason and return None when refused."""
    if data is None:
        return None
    try:
        image = load_image(data, mode=mode, max_side=max_side)
    except InputError as err:
        st.error(f"Could not use this image: {err}", icon=":material/broken_image:")
        return None
    for notice in image.notices:
        st.info(notice, icon=":material/info:")
    return image


def image_input(
    label: str,
    key: str,
    *,
    mode: str = "RGB",
    max_side: int | None = None,
    camera: bool = True,
    help: str | None = None,
) -> LoadedImage | None:
    """An image from an upload or a camera snapshot, validated; None until one is given."""
    source = "Upload"
    if camera:
        source = st.radio(
            f"{label}: source",
            ["Upload", "Camera"],
            key=f"{key}.source",
            horizontal=True,
            label_visibility="collapsed",
        )
    if source == "Camera":
        shot = st.camera_input(label, key=f"{key}.camera", help=help)
        return validate_upload(shot.getvalue() if shot else None, mode=mode, max_side=max_side)
    upload = st.file_uploader(
        label,
        type=IMAGE_TYPES,
        key=f"{key}.upload",
        help=help or f"PNG, JPEG, GIF, BMP, WebP or TIFF, up to {MAX_BYTES // 2**20} MB.",
    )
    return validate_upload(upload.getvalue() if upload else None, mode=mode, max_side=max_side)


def text_input(
    label: str,
    key: str,
    *,
    default: str = "",
    max_chars: int = 500,
    area: bool = False,
    allow_empty: bool = False,
    help: str | None = None,
) -> str | None:
    """Typed text, normalised and capped; None (with a message) when it cannot be used."""
    widget = st.text_area if area else st.text_input
    if key not in st.session_state:
        st.session_state[key] = default
    raw = widget(label, key=key, max_chars=max_chars, help=help)
    try:
        cleaned = clean_text(
            raw, max_chars=max_chars, allow_empty=allow_empty, single_line=not area
        )
    except InputError as err:
        st.warning(str(err), icon=":material/edit_note:")
        return None
    for notice in cleaned.notices:
        st.info(notice, icon=":material/info:")
    return cleaned.text


def mnist_download(message: str, key: str) -> None:
    """MNIST is not on this machine: say so, and offer the one download the app ever makes
    (``dlcore.data.mnist``, about 11 MB, only when pressed; a clear message when offline)."""
    st.warning(message, icon=":material/cloud_off:")
    if not st.button("Download MNIST (about 11 MB)", key=key):
        return
    try:
        with st.spinner("Downloading MNIST..."):
            download_mnist()
    except DataUnavailable as err:
        st.error(str(err), icon=":material/wifi_off:")
        return
    st.rerun()
