from ninja import Router

router = Router(tags=["lịch làm việc"])
