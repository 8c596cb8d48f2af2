"""Texts about attached images (``/blend``, ``/describe``)."""

EN = {
    "attachments.not_an_image": "“{filename}” is not an image. Attach a PNG, JPEG, WebP or GIF file.",
    "attachments.too_large": "“{filename}” is {size} MiB; images of up to {limit} MiB are accepted.",
}

ZH_CN = {
    "attachments.not_an_image": "“{filename}”不是图片。请附上 PNG、JPEG、WebP 或 GIF 文件。",
    "attachments.too_large": "“{filename}”有 {size} MiB；图片最大 {limit} MiB。",
}
