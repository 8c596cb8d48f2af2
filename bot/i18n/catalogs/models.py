"""Texts of /imagine's model and style list (``bot.exts.imagine._models``)."""

EN = {
    "models.unknown": "{service} has no model or style “{model}”. Try one of: {examples}.",
}

ZH_CN = {
    "models.unknown": "{service} 没有模型或风格“{model}”。可以试试：{examples}。",
}
