-- Members' images of jobs that wait in their server's queue (bot.member_images): the bytes the bot checked when
-- the command came, kept until the job is sent, because the attachment links they came from are signed by Discord
-- for about a day only. A row goes as soon as its job has been handed to its service (storage.held_images).
CREATE TABLE held_images (
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    -- the image's place in the job's request (0 = the first)
    position INTEGER NOT NULL CHECK (position >= 0),
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (job_id, position)
)
