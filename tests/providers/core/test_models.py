from providers.core.models import (
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    JobState,
    JobStatus,
    ParentJob,
)


def test_parent_job_survives_a_json_round_trip_with_bytes() -> None:
    parent = ParentJob(
        handle=JobHandle(provider="p", kind=JobKind.IMAGINE, job_id="t1", meta={"extra": [1, "a"]}),
        result=JobState(
            status=JobStatus.SUCCEEDED,
            images=[ImageData(url="http://x/1.png"), ImageData(data=b"\x89PNG\r\n\x1a\nrest", width=2, height=3)],
            texts=["a prompt"],
        ),
        request=ImagineRequest(prompt="cat", seed=5, options={"lora": ["x"]}),
    )
    rebuilt = ParentJob.model_validate_json(parent.model_dump_json())
    assert rebuilt == parent
    assert rebuilt.result.images[1].data == b"\x89PNG\r\n\x1a\nrest"


def test_image_repr_never_dumps_the_bytes() -> None:
    text = repr(ImageData(data=b"\x00" * 5000))
    assert "5000 bytes" in text
    assert len(text) < 120


def test_terminal_statuses() -> None:
    assert {s for s in JobStatus if s.is_terminal} == {JobStatus.SUCCEEDED, JobStatus.FAILED}
