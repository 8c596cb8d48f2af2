"""Texts of ``/blend``."""

EN = {
    "blend.none_configured": "None of the services set up on this bot can blend images. Services that can: {able}.",
    "blend.cannot": "{service} cannot blend images. Services that can: {able}.",
    "blend.count": "{service} blends {low} to {high} images; you attached {count}.",
    "blend.service_picks_shape": (
        "{service} picks the shape of a blend itself, so it cannot be asked for {shape}. "
        "Run /blend again without `dimensions`."
    ),
}

ZH_CN = {
    "blend.none_configured": "本机器人配置的服务都不能混合图片。能混合图片的服务：{able}。",
    "blend.cannot": "{service} 不能混合图片。能混合图片的服务：{able}。",
    "blend.count": "{service} 可混合 {low} 到 {high} 张图片；你附上了 {count} 张。",
    "blend.service_picks_shape": (
        "{service} 会自行决定混合结果的形状，无法指定为{shape}。请不带 `dimensions` 再运行一次 /blend。"
    ),
}

COMMANDS_ZH_CN = {
    "Blend 2 to 5 images into four new pictures": "把 2 到 5 张图片混合成四张新图",
    "An image to blend": "要混合的图片",
    "Another image to blend": "另一张要混合的图片",
    "The shape of the result": "结果的形状",
    "Which image service blends them": "由哪个图片服务来混合",
    "Square (1:1)": "方形 (1:1)",
    "Portrait (2:3)": "竖版 (2:3)",
    "Landscape (3:2)": "横版 (3:2)",
}
