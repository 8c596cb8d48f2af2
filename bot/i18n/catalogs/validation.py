"""Refusals of bad input, raised before anything is sent (``InvalidInputError`` and ``PromptParameterError``).

The raising layers (``providers/``, ``bot/prompting``) know no catalog: each error carries a plain ``key`` and its
``values``, and ``bot.i18n.errors.error_text`` finds ``validation.<key>`` here. The English texts are exactly the
errors' own ``user_message``; ``tests/bot/i18n/test_errors.py`` checks both that and that every key raised
anywhere is here.
"""

EN = {
    # --- the shared checks (providers/core/validation.py) -------------------------------------------------
    "validation.not_an_aspect_ratio": "“{text}” is not an aspect ratio; write it like 16:9 or 2:3.",
    "validation.aspect_ratio_zero": "An aspect ratio cannot contain 0.",
    "validation.aspect_ratio_extreme": (
        "The aspect ratio {width}:{height} is too extreme; keep it between 1:4 and 4:1."
    ),
    "validation.prompt_empty": "The prompt is empty; describe what you want to see.",
    "validation.prompt_too_long": "{service} accepts prompts of at most {limit} characters; yours has {length}.",
    "validation.negative_prompt_unsupported": "{service} does not support a negative prompt.",
    "validation.seed_out_of_range": "{service} accepts seeds from {low} to {high}.",
    "validation.seed_unsupported": "{service} does not let you choose a seed.",
    "validation.width_out_of_range": "{service} accepts a width from {low} to {high} pixels.",
    "validation.height_out_of_range": "{service} accepts a height from {low} to {high} pixels.",
    "validation.size_not_offered": "{service} only makes these sizes: {sizes}.",
    "validation.count_out_of_range": "{service} makes between 1 and {high} images at once.",
    "validation.style_unknown": "{service} has no style “{style}”. Choose one of: {styles}.",
    # --- parameters typed in a prompt (bot/prompting/parameters.py) ---------------------------------------
    "validation.parameter_needs_value": "{flag} needs a value, like {flag} {example}.",
    "validation.parameter_needs_ratio": "{flag} needs an aspect ratio like 16:9 or 2:3; you wrote {text}.",
    "validation.aspect_option_needs_ratio": (
        "The aspect option needs an aspect ratio like 16:9 or 2:3; you wrote {text}."
    ),
    "validation.parameter_needs_whole_number": "{flag} needs a whole number, like {flag} {example}; you wrote {text}.",
    "validation.parameter_needs_number": "{flag} needs a number, like {flag} {example}; you wrote {text}.",
    "validation.parameter_needs_version": (
        "{flag} needs a version number, like {flag} {example}; you wrote {text}."
    ),
    "validation.parameter_unknown": "I don't know the parameter {flag}. The ones I understand: {known}.",
    "validation.parameter_stray_words": (
        "{words} after {flag} is not part of any parameter. Put the description first and the parameters after "
        "it, like: a red fox in snow --ar 16:9 --seed 42."
    ),
    "validation.parameter_given_twice": "{flag} is given twice; keep one.",
    "validation.both_set_aspect_ratio": "{earlier} and {flag} both set the aspect ratio; keep one.",
    "validation.both_set_seed": "{earlier} and {flag} both set the seed; keep one.",
    "validation.both_set_negative": "{earlier} and {flag} both set the negative prompt; keep one.",
    "validation.both_set_model": "{earlier} and {flag} both set the model; keep one.",
    "validation.both_set_version": "{earlier} and {flag} both set the version; keep one.",
    "validation.both_set_image_weight": "{earlier} and {flag} both set the image weight; keep one.",
    "validation.both_set_option": "{earlier} and {flag} both set the {slot} value; keep one.",
    "validation.option_clash": (
        "The {option} option says {option_value} but the prompt says {parameter} {parameter_value}; "
        "keep one of them."
    ),
    "validation.size_clash": (
        "The width and height option says {option_value} but the prompt says {parameter} {parameter_value}; "
        "keep one of them."
    ),
    "validation.parameter_not_understood": "{service} does not understand {parameter}; remove it.",
    # --- options shared by several services ---------------------------------------------------------------
    "validation.option_between": "The option {name} must be a number from {low} to {high}; you gave {value}.",
    "validation.option_true_or_false": "The option {name} must be true or false; you gave {value}.",
    "validation.blend_image_count": "Blend takes {low} to {high} images; you gave {count}.",
    # --- Jumdata ------------------------------------------------------------------------------------------
    "validation.needs_width_and_height": (
        "{service} needs both a width and a height (or an aspect ratio such as 2:3)."
    ),
    "validation.size_not_made": "{service} only makes {sizes}; you asked for {width}×{height}.",
    "validation.resolution_not_made": "{service} only makes {sizes}; “{resolution}” is not one of them.",
    "validation.images_per_request": (
        "{service} makes {low} to {high} images per request (each one is billed); you asked for {count}."
    ),
    "validation.no_extra_options": "{service} has no extra options; remove: {options}.",
    "validation.reroll_prompt_unknown": "That job cannot be re-rolled: its prompt is not known.",
    "validation.image_link_gone": "That image has no link any more; run /imagine again.",
    "validation.upscale_link_lost": "This upscale has lost its image link; press the button again.",
    # --- the Midjourney-style API -------------------------------------------------------------------------
    "validation.always_a_grid": "{service} always makes a 2×2 grid of 4 images; you asked for {count}.",
    "validation.reroll_needs_grid": "Only a grid (imagine, variation, remix or blend) can be rerolled.",
    "validation.remix_prompt_empty": "The remix prompt is empty; describe the change you want.",
    "validation.job_cannot_be_repeated": "This job cannot be repeated.",
    "validation.upscale_needs_grid": "Only a grid can be upscaled or varied; this is a {kind} result.",
    "validation.grid_image_out_of_range": (
        "Choose an image of the grid from 1 to 4 (1 top-left … 4 bottom-right); you gave {index}."
    ),
    "validation.blend_needs_links": (
        "Blend on {service} needs each image as a public link (e.g. a Discord attachment); "
        "an uploaded file without a link cannot be sent."
    ),
    "validation.describe_needs_link": (
        "Describe on {service} needs each image as a public link (e.g. a Discord attachment); "
        "an uploaded file without a link cannot be sent."
    ),
    "validation.image_needs_public_link": "The image must be a public http(s) link to an image.",
    "validation.numbered_image_needs_public_link": "Image {number} must be a public http(s) link to an image.",
    "validation.needs_both_sides_or_ratio": (
        "This service works with aspect ratios: give both width and height, or an aspect ratio like 16:9."
    ),
    "validation.option_unknown": "Unknown option “{name}”. This service knows: {known}.",
    "validation.option_quality": "The option {name} must be 0.25, 0.5, 1 or 2; you gave {value}.",
    "validation.option_version": "The option {name} must be a version number such as 6 or 5.2; you gave {value}.",
    # --- Picpik -------------------------------------------------------------------------------------------
    "validation.reroll_image_unknown": "That job cannot be re-rolled: the image it started from is no longer known.",
    "validation.settings_unreadable": "The settings of the original job could not be read back.",
    "validation.settings_not_kept": "That job cannot be repeated: its settings were not kept.",
    "validation.new_prompt_empty": "The new prompt is empty; describe what you want to see.",
    "validation.image_gone": "That image can no longer be found.",
    "validation.upscale_image_unknown": "That upscale no longer knows its image.",
    "validation.option_model_codes": "The option {name} must be a ModelCode or a list of them.",
    "validation.lora_entry": "Each LoRA must be a ModelCode or {{code, weight}}; you gave {value}.",
    "validation.picpik_option_unknown": "Picpik has no option {unknown}. It understands — {known}.",
    "validation.sub_models_entry": "sub_models takes ModelCodes; you gave {value}.",
    "validation.parameter_out_of_range": "{name} must be from {low} to {high}; you gave {value}.",
    "validation.parameter_not_a_multiple": "{name} must be a multiple of {step}; you gave {value}.",
    "validation.parameter_step": "{name} goes in steps of {step}; you gave {value}.",
    "validation.model_code_missing": "{name} needs a ModelCode.",
    "validation.image_index_out_of_range": (
        "{name} is {index}, but ImageAndMaskList has {count} images (indexes start at 0)."
    ),
    "validation.image_index_beyond_one": (
        "{name} is {index}, but ImageAndMaskList has {count} image (indexes start at 0)."
    ),
    "validation.image_index_empty": "{name} points at entry {index} of ImageAndMaskList, which is empty.",
    "validation.image_not_base64": "ImageAndMaskList[{position}] is not base64-encoded image data.",
    "validation.positive_prompts_empty": "PositivePrompts is empty; describe what the image should show.",
    "validation.too_many_controlnets": "ControlNetList takes at most {limit} ControlNets; you gave {count}.",
    "validation.steps_out_of_order": "{name}: StartingStep ({starting}) must not be after EndingStep ({ending}).",
    # --- NGPU ---------------------------------------------------------------------------------------------
    "validation.width_step": "{service} needs the width in steps of {step} pixels; you gave {value}.",
    "validation.height_step": "{service} needs the height in steps of {step} pixels; you gave {value}.",
    "validation.model_name_length": "A model name has 1 to {limit} characters; yours has {length}.",
    "validation.image_size_out_of_range": (
        "{service} makes images from {low} to {high} pixels; this request would be {width}×{height}."
    ),
    "validation.options_unknown": "{service} does not know the option(s) {unknown}; it accepts {known}.",
    "validation.option_needs_whole_number": "{name} must be a whole number; you gave {value}.",
    "validation.option_needs_number": "{name} must be a number; you gave {value}.",
    "validation.option_out_of_range": "{name} goes from {low} to {high}; you gave {value}.",
    "validation.sampler_name": "sampler_name is a sampler's name such as “Euler a” (1 to {limit} characters).",
    "validation.not_an_image": "That file is not a PNG, JPEG, WebP or GIF image.",
    "validation.parent_prompt_unknown": "{service} cannot start from that job: its prompt is not known.",
    "validation.not_an_image_profile_job": "That job was not started through NGPU's image profile.",
    # --- keys typed in the /keys form (providers/core/credentials.py; {field}: the form's label) ------------
    "validation.credentials_field_missing": "{service} needs the {field}.",
    "validation.credentials_field_too_long": (
        "{service}'s {field} is at most {limit} characters; this one has {length}."
    ),
    "validation.credentials_field_too_short": (
        "{service}'s {field} is at least {limit} characters; this one has {length}."
    ),
    "validation.credentials_control_characters": (
        "{service}'s {field} contains a control or invisible character (a tab, a line break, a zero-width space…); "
        "type it again without it."
    ),
    "validation.credentials_field_invalid": "{service} cannot use this {field}; check it and type it again.",
    "validation.credentials_invalid": "{service} cannot use these keys; check them and type them again.",
    "validation.btc_address_invalid": "A BTC address is 14 to 100 letters and digits, like bc1p…; check the one given.",
    # --- image links the bot refuses to fetch (providers/core/url_policy.py) ----------------------------------
    "validation.address_not_allowed": (
        "That link points to a private or local network address; the bot only fetches images from public "
        "addresses."
    ),
    "validation.link_scheme_not_allowed": "The bot only fetches images from http or https links.",
    "validation.link_without_host": "That image link names no host.",
    "validation.link_host_invalid": "That image link's host name is not valid.",
}

ZH_CN = {
    # --- the shared checks --------------------------------------------------------------------------------
    "validation.not_an_aspect_ratio": "“{text}”不是宽高比；请写成 16:9 或 2:3 这样的形式。",
    "validation.aspect_ratio_zero": "宽高比中不能有 0。",
    "validation.aspect_ratio_extreme": "宽高比 {width}:{height} 过于极端；请保持在 1:4 到 4:1 之间。",
    "validation.prompt_empty": "提示词为空；请描述你想看到的画面。",
    "validation.prompt_too_long": "{service} 的提示词最多 {limit} 个字符；你的有 {length} 个。",
    "validation.negative_prompt_unsupported": "{service} 不支持反向提示词。",
    "validation.seed_out_of_range": "{service} 的种子取值范围是 {low} 到 {high}。",
    "validation.seed_unsupported": "{service} 不支持指定种子。",
    "validation.width_out_of_range": "{service} 的宽度范围是 {low} 到 {high} 像素。",
    "validation.height_out_of_range": "{service} 的高度范围是 {low} 到 {high} 像素。",
    "validation.size_not_offered": "{service} 只能生成以下尺寸：{sizes}。",
    "validation.count_out_of_range": "{service} 每次可生成 1 到 {high} 张图片。",
    "validation.style_unknown": "{service} 没有风格“{style}”。请从以下选择：{styles}。",
    # --- parameters typed in a prompt ---------------------------------------------------------------------
    "validation.parameter_needs_value": "{flag} 需要一个值，例如 {flag} {example}。",
    "validation.parameter_needs_ratio": "{flag} 需要一个宽高比，例如 16:9 或 2:3；你写的是 {text}。",
    "validation.aspect_option_needs_ratio": "aspect 选项需要一个宽高比，例如 16:9 或 2:3；你写的是 {text}。",
    "validation.parameter_needs_whole_number": "{flag} 需要一个整数，例如 {flag} {example}；你写的是 {text}。",
    "validation.parameter_needs_number": "{flag} 需要一个数字，例如 {flag} {example}；你写的是 {text}。",
    "validation.parameter_needs_version": "{flag} 需要一个版本号，例如 {flag} {example}；你写的是 {text}。",
    "validation.parameter_unknown": "我不认识参数 {flag}。我能理解的参数有：{known}。",
    "validation.parameter_stray_words": (
        "{flag} 后面的 {words} 不属于任何参数。请先写画面描述，再写参数，例如：a red fox in snow --ar 16:9 --seed 42。"
    ),
    "validation.parameter_given_twice": "{flag} 写了两次；请只保留一个。",
    "validation.both_set_aspect_ratio": "{earlier} 和 {flag} 都在设置宽高比；请只保留一个。",
    "validation.both_set_seed": "{earlier} 和 {flag} 都在设置种子；请只保留一个。",
    "validation.both_set_negative": "{earlier} 和 {flag} 都在设置反向提示词；请只保留一个。",
    "validation.both_set_model": "{earlier} 和 {flag} 都在设置模型；请只保留一个。",
    "validation.both_set_version": "{earlier} 和 {flag} 都在设置版本；请只保留一个。",
    "validation.both_set_image_weight": "{earlier} 和 {flag} 都在设置图片权重；请只保留一个。",
    "validation.both_set_option": "{earlier} 和 {flag} 都在设置 {slot} 的值；请只保留一个。",
    "validation.option_clash": (
        "{option} 选项的值是 {option_value}，但提示词里写的是 {parameter} {parameter_value}；请只保留其中一个。"
    ),
    "validation.size_clash": (
        "宽度和高度是 {option_value}，但提示词里写的是 {parameter} {parameter_value}；请只保留其中一个。"
    ),
    "validation.parameter_not_understood": "{service} 不支持 {parameter}；请删掉它。",
    # --- options shared by several services ---------------------------------------------------------------
    "validation.option_between": "选项 {name} 必须是 {low} 到 {high} 之间的数字；你给的是 {value}。",
    "validation.option_true_or_false": "选项 {name} 只能是 true 或 false；你给的是 {value}。",
    "validation.blend_image_count": "混合需要 {low} 到 {high} 张图片；你给了 {count} 张。",
    # --- Jumdata ------------------------------------------------------------------------------------------
    "validation.needs_width_and_height": "{service} 需要同时指定宽度和高度（或者指定宽高比，例如 2:3）。",
    "validation.size_not_made": "{service} 只能生成 {sizes}；你要求的是 {width}×{height}。",
    "validation.resolution_not_made": "{service} 只能生成 {sizes}；“{resolution}”不在其中。",
    "validation.images_per_request": (
        "{service} 每次请求可生成 {low} 到 {high} 张图片（每张单独计费）；你要求了 {count} 张。"
    ),
    "validation.no_extra_options": "{service} 没有额外选项；请删掉：{options}。",
    "validation.reroll_prompt_unknown": "无法重新生成该任务：不知道它的提示词。",
    "validation.image_link_gone": "这张图片的链接已失效；请重新使用 /imagine。",
    "validation.upscale_link_lost": "这次放大已丢失图片链接；请再按一次按钮。",
    # --- the Midjourney-style API -------------------------------------------------------------------------
    "validation.always_a_grid": "{service} 总是生成 4 张图的 2×2 宫格；你要求了 {count} 张。",
    "validation.reroll_needs_grid": "只有宫格（imagine、变体、改写或混合的结果）可以重新生成。",
    "validation.remix_prompt_empty": "改写的提示词为空；请描述你想要的改动。",
    "validation.job_cannot_be_repeated": "无法重复这个任务。",
    "validation.upscale_needs_grid": "只有宫格可以放大或生成变体；这是一个 {kind} 结果。",
    "validation.grid_image_out_of_range": "请选择宫格中的第 1 到 4 张图（1 左上 … 4 右下）；你给的是 {index}。",
    "validation.blend_needs_links": (
        "在 {service} 上混合图片时，每张图都必须是公开链接（例如 Discord 附件）；没有链接的上传文件无法发送。"
    ),
    "validation.describe_needs_link": (
        "在 {service} 上描述图片时，图片必须是公开链接（例如 Discord 附件）；没有链接的上传文件无法发送。"
    ),
    "validation.image_needs_public_link": "图片必须是一个公开的 http(s) 图片链接。",
    "validation.numbered_image_needs_public_link": "第 {number} 张图片必须是一个公开的 http(s) 图片链接。",
    "validation.needs_both_sides_or_ratio": "该服务按宽高比出图：请同时给出宽度和高度，或者给出宽高比，例如 16:9。",
    "validation.option_unknown": "未知选项“{name}”。该服务支持：{known}。",
    "validation.option_quality": "选项 {name} 只能是 0.25、0.5、1 或 2；你给的是 {value}。",
    "validation.option_version": "选项 {name} 必须是版本号，例如 6 或 5.2；你给的是 {value}。",
    # --- Picpik -------------------------------------------------------------------------------------------
    "validation.reroll_image_unknown": "无法重新生成该任务：已找不到它所基于的图片。",
    "validation.settings_unreadable": "无法读取原任务的设置。",
    "validation.settings_not_kept": "无法重复该任务：它的设置没有保存。",
    "validation.new_prompt_empty": "新的提示词为空；请描述你想看到的画面。",
    "validation.image_gone": "已找不到这张图片。",
    "validation.upscale_image_unknown": "这次放大已找不到它的图片。",
    "validation.option_model_codes": "选项 {name} 必须是一个 ModelCode 或 ModelCode 列表。",
    "validation.lora_entry": "每个 LoRA 必须是一个 ModelCode 或 {{code, weight}}；你给的是 {value}。",
    "validation.picpik_option_unknown": "Picpik 没有选项 {unknown}。它支持的选项 — {known}。",
    "validation.sub_models_entry": "sub_models 只接受 ModelCode；你给的是 {value}。",
    "validation.parameter_out_of_range": "{name} 必须在 {low} 到 {high} 之间；你给的是 {value}。",
    "validation.parameter_not_a_multiple": "{name} 必须是 {step} 的倍数；你给的是 {value}。",
    "validation.parameter_step": "{name} 的步长是 {step}；你给的是 {value}。",
    "validation.model_code_missing": "{name} 需要一个 ModelCode。",
    "validation.image_index_out_of_range": (
        "{name} 是 {index}，但 ImageAndMaskList 只有 {count} 张图片（编号从 0 开始）。"
    ),
    "validation.image_index_beyond_one": (
        "{name} 是 {index}，但 ImageAndMaskList 只有 {count} 张图片（编号从 0 开始）。"
    ),
    "validation.image_index_empty": "{name} 指向 ImageAndMaskList 的第 {index} 项，但该项为空。",
    "validation.image_not_base64": "ImageAndMaskList[{position}] 不是 base64 编码的图片数据。",
    "validation.positive_prompts_empty": "PositivePrompts 为空；请描述图片应当呈现的内容。",
    "validation.too_many_controlnets": "ControlNetList 最多只能有 {limit} 个 ControlNet；你给了 {count} 个。",
    "validation.steps_out_of_order": "{name}：StartingStep（{starting}）不能晚于 EndingStep（{ending}）。",
    # --- NGPU ---------------------------------------------------------------------------------------------
    "validation.width_step": "{service} 要求宽度是 {step} 像素的倍数；你给的是 {value}。",
    "validation.height_step": "{service} 要求高度是 {step} 像素的倍数；你给的是 {value}。",
    "validation.model_name_length": "模型名称应为 1 到 {limit} 个字符；你的有 {length} 个。",
    "validation.image_size_out_of_range": (
        "{service} 生成的图片边长在 {low} 到 {high} 像素之间；这次请求会是 {width}×{height}。"
    ),
    "validation.options_unknown": "{service} 不认识选项 {unknown}；它支持：{known}。",
    "validation.option_needs_whole_number": "{name} 必须是整数；你给的是 {value}。",
    "validation.option_needs_number": "{name} 必须是数字；你给的是 {value}。",
    "validation.option_out_of_range": "{name} 的取值范围是 {low} 到 {high}；你给的是 {value}。",
    "validation.sampler_name": "sampler_name 是采样器的名称，例如“Euler a”（1 到 {limit} 个字符）。",
    "validation.not_an_image": "该文件不是 PNG、JPEG、WebP 或 GIF 图片。",
    "validation.parent_prompt_unknown": "{service} 无法基于该任务继续：不知道它的提示词。",
    "validation.not_an_image_profile_job": "该任务不是通过 NGPU 的图像配置启动的。",
    # --- keys typed in the /keys form ---------------------------------------------------------------------------
    "validation.credentials_field_missing": "{service} 需要填写{field}。",
    "validation.credentials_field_too_long": "{service} 的{field}最多 {limit} 个字符；这里有 {length} 个。",
    "validation.credentials_field_too_short": "{service} 的{field}至少 {limit} 个字符；这里只有 {length} 个。",
    "validation.credentials_control_characters": (
        "{service} 的{field}中含有控制字符或不可见字符（制表符、换行符、零宽空格等）；请去掉后重新输入。"
    ),
    "validation.credentials_field_invalid": "{service} 无法使用这个{field}；请检查后重新输入。",
    "validation.credentials_invalid": "{service} 无法使用这些密钥；请检查后重新输入。",
    "validation.btc_address_invalid": "BTC 地址由 14 到 100 个字母和数字组成，例如 bc1p…；请检查填写的地址。",
    # --- image links the bot refuses to fetch -------------------------------------------------------------------
    "validation.address_not_allowed": "该链接指向私有或本地网络地址；机器人只从公网地址获取图片。",
    "validation.link_scheme_not_allowed": "机器人只获取 http 或 https 链接的图片。",
    "validation.link_without_host": "该图片链接没有主机名。",
    "validation.link_host_invalid": "该图片链接的主机名无效。",
}
