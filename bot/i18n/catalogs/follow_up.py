"""U/V/🔄/remix from buttons, the remix form and /upscale, /variation."""

EN = {
    "follow_up.gone": "That job no longer exists.",
    "follow_up.no_such_job": "You have no job with that number to use here. /jobs lists yours.",
    "follow_up.not_owner": "Only {owner}, who started this job, can use its buttons here.",
    "follow_up.not_a_grid": "Job #{job} is not a grid of images; pick a job that made four pictures.",
    "follow_up.not_finished": "Job #{job} has no finished images to start from.",
    "follow_up.unsupported": "{service} cannot do that.",
    "follow_up.no_such_image": "There is no image {index}: that grid has {count}.",
    "follow_up.already_upscaled": "Job #{job} is already a single upscaled image.",
    "follow_up.grid_elsewhere": (
        "Job #{job} was upscaled from someone else's grid #{grid}, which can only be used in its own channel "
        "(and only while its server lets anyone use other members' jobs). Start the variation there."
    ),
    "follow_up.remix_title": "Remix",
    "follow_up.remix_image": "Which image",
    "follow_up.remix_image_option": "Image {index}",
    "follow_up.remix_prompt": "New prompt",
    "follow_up.remix_prompt_hint": "Describe the change you want",
    "follow_up.remix_empty": "The remix prompt is empty; describe the change you want.",
    "follow_up.position_1": "top left",
    "follow_up.position_2": "top right",
    "follow_up.position_3": "bottom left",
    "follow_up.position_4": "bottom right",
    "follow_up.vary": "Vary",
    "follow_up.remix": "Remix",
    "follow_up.no_jobs": "You have no finished grids yet.",
}

ZH_CN = {
    "follow_up.gone": "该任务已不存在。",
    "follow_up.no_such_job": "这里没有你可以使用的该编号任务。/jobs 可列出你的任务。",
    "follow_up.not_owner": "在这里只有发起此任务的 {owner} 可以使用这些按钮。",
    "follow_up.not_a_grid": "任务 #{job} 不是四宫格图片；请选择一个生成了四张图的任务。",
    "follow_up.not_finished": "任务 #{job} 还没有可用的完成图片。",
    "follow_up.unsupported": "{service} 不支持此操作。",
    "follow_up.no_such_image": "没有第 {index} 张图：该宫格只有 {count} 张。",
    "follow_up.already_upscaled": "任务 #{job} 已经是放大后的单张图片。",
    "follow_up.grid_elsewhere": (
        "任务 #{job} 是从别人的宫格 #{grid} 放大而来，该宫格只能在它所在的频道中使用"
        "（且仅当该服务器允许任何人使用其他成员的任务时）。请到那里生成变体。"
    ),
    "follow_up.remix_title": "改写变体",
    "follow_up.remix_image": "选择图片",
    "follow_up.remix_image_option": "第 {index} 张",
    "follow_up.remix_prompt": "新的提示词",
    "follow_up.remix_prompt_hint": "描述你想要的改动",
    "follow_up.remix_empty": "改写的提示词为空；请描述你想要的改动。",
    "follow_up.position_1": "左上",
    "follow_up.position_2": "右上",
    "follow_up.position_3": "左下",
    "follow_up.position_4": "右下",
    "follow_up.vary": "变体",
    "follow_up.remix": "改写",
    "follow_up.no_jobs": "你还没有已完成的四宫格任务。",
}

COMMANDS_ZH_CN = {
    "Upscale one image of a finished grid": "放大已完成宫格中的一张图片",
    "Draw variations of one image of a finished grid": "为已完成宫格中的一张图片生成变体",
    "The grid's job number (shown under the grid)": "宫格的任务编号（显示在宫格下方）",
    "Which image: 1 top left, 2 top right, 3 bottom left, 4 bottom right": "哪一张：1 左上，2 右上，3 左下，4 右下",
    "A changed prompt (remix), where the service supports it": "修改后的提示词（改写变体），需服务支持",
    "1 — top left": "1 — 左上",
    "2 — top right": "2 — 右上",
    "3 — bottom left": "3 — 左下",
    "4 — bottom right": "4 — 右下",
}
