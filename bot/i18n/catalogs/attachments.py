"""Texts about attached images (``/blend``, ``/describe``, ``/talk``)."""

EN = {
    "attachments.not_an_image": "“{filename}” is not an image. Attach a PNG, JPEG, WebP or GIF file.",
    "attachments.too_large": "“{filename}” is {size} MiB; images of up to {limit} MiB are accepted.",
    "attachments.unreadable": (
        "“{filename}” is not an image the bot can read: attach a complete PNG, JPEG, WebP or GIF file "
        "(this one is something else, or damaged)."
    ),
    "attachments.too_many_pixels": (
        "“{filename}” is {width}×{height} pixels; images of up to {limit} megapixels are accepted."
    ),
    "attachments.too_many_pixels_unknown": (
        "“{filename}” has far too many pixels; images of up to {limit} megapixels are accepted."
    ),
    "attachments.address_not_allowed": (
        "“{filename}” is on a private or local network address; the bot only fetches images from public addresses."
    ),
    "attachments.fetch_timeout": "“{filename}” took too long to download from Discord. Try again, or a smaller file.",
    "attachments.fetch_failed": "“{filename}” could not be downloaded from Discord. Attach it again.",
}

ZH_CN = {
    "attachments.not_an_image": "“{filename}”不是图片。请附上 PNG、JPEG、WebP 或 GIF 文件。",
    "attachments.too_large": "“{filename}”有 {size} MiB；图片最大 {limit} MiB。",
    "attachments.unreadable": (
        "“{filename}”不是机器人能读取的图片：请附上完整的 PNG、JPEG、WebP 或 GIF 文件（这个文件是别的格式，或已损坏）。"
    ),
    "attachments.too_many_pixels": "“{filename}”有 {width}×{height} 像素；图片最多 {limit} 百万像素。",
    "attachments.too_many_pixels_unknown": "“{filename}”的像素多得离谱；图片最多 {limit} 百万像素。",
    "attachments.address_not_allowed": "“{filename}”位于私有或本地网络地址；机器人只从公网地址获取图片。",
    "attachments.fetch_timeout": "从 Discord 下载“{filename}”用时过长。请重试，或换一个更小的文件。",
    "attachments.fetch_failed": "无法从 Discord 下载“{filename}”。请重新附上它。",
}
