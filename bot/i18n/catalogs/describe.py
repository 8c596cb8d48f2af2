"""Texts of ``/describe`` and of the prompt buttons 1…N under its answer."""

EN = {
    "describe.none_configured": (
        "None of the services set up on this bot can describe images. Services that can: {able}."
    ),
    "describe.cannot": "{service} cannot describe images. Services that can: {able}.",
    "describe.result_title": "Prompts for this image",
    "describe.result_hint": "Press a number to draw that prompt with /imagine.",
    "describe.job_gone": "That job no longer exists.",
    "describe.not_owner": "Only <@{owner}>, who started this job, can use its buttons here.",
    "describe.no_prompt": "That job has no prompt {index}.",
    "describe.cannot_draw": "{service} cannot draw pictures from a prompt.",
}

ZH_CN = {
    "describe.none_configured": "本机器人配置的服务都不能描述图片。能描述图片的服务：{able}。",
    "describe.cannot": "{service} 不能描述图片。能描述图片的服务：{able}。",
    "describe.result_title": "这张图片的提示词",
    "describe.result_hint": "按下编号，即可用 /imagine 画出对应的提示词。",
    "describe.job_gone": "该任务已不存在。",
    "describe.not_owner": "在这里只有发起该任务的 <@{owner}> 可以使用它的按钮。",
    "describe.no_prompt": "该任务没有第 {index} 条提示词。",
    "describe.cannot_draw": "{service} 不能根据提示词作画。",
}

COMMANDS_ZH_CN = {
    "Get prompts that describe an image": "获取描述一张图片的提示词",
    "The image to describe": "要描述的图片",
    "Which image service describes it": "由哪个图片服务来描述",
}
