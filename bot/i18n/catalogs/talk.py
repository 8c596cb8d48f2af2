"""Texts of ``/talk`` (a photo that speaks a text) and of its job's message."""

EN = {
    "talk.none_configured": (
        "None of the services set up on this bot can make talking videos. Services that can: {able}."
    ),
    "talk.cannot": "{service} cannot make talking videos. Services that can: {able}.",
    "talk.no_text": "Give the words the photo should say.",
    "talk.text_too_long": "{service} speaks at most {limit} characters; your text has {length}.",
    "talk.unknown_voice": "{service} has no voice “{voice}”. Voices: {voices}.",
    "talk.unknown_background": "{service} has no background “{background}”. Backgrounds: {backgrounds}.",
    "talk.what": "Talking video",
    "talk.filming": "🎬 Making the video…",
    "talk.filming_percent": "🎬 Making the video… {percent} %",
    "talk.job_failed": "{service} could not make the video.",
    "talk.link_too_large": (
        "The video is {size}, more than the {limit} this server lets the bot upload, so here is its link: {url}"
    ),
    "talk.link_refused": "Discord refused the video ({size}) as too large for this server; here is its link: {url}",
    "talk.link_not_downloaded": "The video could not be downloaded to attach it here; here is its link: {url}",
    "talk.link_not_a_video": "The service's file is not a video the bot can attach; here is its link: {url}",
    "talk.too_large": "The video is {size}, more than the {limit} this server lets the bot upload.",
    "talk.refused": "Discord refused the video ({size}) as too large for this server.",
    "talk.not_downloaded": "The video could not be downloaded to attach it here.",
    "talk.not_a_video": "The service's file is not a video the bot can attach.",
    "talk.link_withheld": (
        "{reason} The service's link to it is not a public https address, so it is not shown here; a server admin "
        "can look the job up with the service."
    ),
}

ZH_CN = {
    "talk.none_configured": "本机器人配置的服务都不能生成照片说话视频。能生成的服务：{able}。",
    "talk.cannot": "{service} 不能生成照片说话视频。能生成的服务：{able}。",
    "talk.no_text": "请填写照片要说的话。",
    "talk.text_too_long": "{service} 最多朗读 {limit} 个字符；你的文字有 {length} 个。",
    "talk.unknown_voice": "{service} 没有“{voice}”这个声音。可选声音：{voices}。",
    "talk.unknown_background": "{service} 没有“{background}”这个背景。可选背景：{backgrounds}。",
    "talk.what": "照片说话视频",
    "talk.filming": "🎬 正在生成视频…",
    "talk.filming_percent": "🎬 正在生成视频… {percent} %",
    "talk.job_failed": "{service} 未能生成视频。",
    "talk.link_too_large": "视频大小为 {size}，超过了本服务器允许机器人上传的 {limit}，这是视频链接：{url}",
    "talk.link_refused": "Discord 认为视频（{size}）对本服务器来说过大而拒绝了它；这是视频链接：{url}",
    "talk.link_not_downloaded": "视频无法下载后附在这里；这是视频链接：{url}",
    "talk.link_not_a_video": "服务返回的文件不是机器人可以附上的视频；这是它的链接：{url}",
    "talk.too_large": "视频大小为 {size}，超过了本服务器允许机器人上传的 {limit}。",
    "talk.refused": "Discord 认为视频（{size}）对本服务器来说过大而拒绝了它。",
    "talk.not_downloaded": "视频无法下载后附在这里。",
    "talk.not_a_video": "服务返回的文件不是机器人可以附上的视频。",
    "talk.link_withheld": (
        "{reason}服务给出的链接不是公开的 https 地址，因此不在这里显示；服务器管理员可以到该服务查询此任务。"
    ),
}

COMMANDS_ZH_CN = {
    "Make a photo say your text (a short video)": "让照片说出你的文字（生成短视频）",
    "A photo with a face": "一张有人脸的照片",
    "What the photo says": "照片要说的话",
    "The voice that speaks": "朗读的声音",
    "The video's background": "视频的背景",
    "Which service makes the video": "由哪个服务生成视频",
    "Alloy": "Alloy 音色",
    "Echo": "Echo 音色",
    "Fable": "Fable 音色",
    "Onyx": "Onyx 音色",
    "Nova": "Nova 音色",
    "Shimmer": "Shimmer 音色",
    "Laba festival": "腊八节",
}
