"""Texts of ``/imagine`` and of the job messages it starts."""

EN: dict[str, str] = {}

ZH_CN: dict[str, str] = {}

COMMANDS_ZH_CN = {
    "Draw four pictures from a prompt": "根据提示词画四张图",
    "What to draw; Midjourney-style parameters work too (--ar 16:9 --seed 42 --no text)": (
        "要画的内容；也支持 Midjourney 风格的参数（--ar 16:9 --seed 42 --no text）"
    ),
    "Which image service draws it": "由哪个图片服务来画",
    "What to keep out of the picture": "画面中不要出现的内容",
    "Width:height, like 16:9 or 2:3": "宽:高，例如 16:9 或 2:3",
    "A number that makes the result repeatable": "让结果可复现的数字（种子）",
    "A model or style the service offers": "服务提供的模型或风格",
}
