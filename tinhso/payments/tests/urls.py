"""URLs for the payment API tests: the project's URLs once the router is mounted in
``tinhso.core.api``; until then a test-local API with the same problem+json error handlers."""

from django.urls import path
from ninja import NinjaAPI

from tinhso.core.api import LocalTimeRenderer
from tinhso.core.api import api as core_api
from tinhso.payments.api import router

if any(mounted is router for _, mounted in core_api._routers):
    from tinhso.urls import urlpatterns
else:
    local_api = NinjaAPI(
        title="tinhso payments (tests)",
        urls_namespace="payments-tests",
        renderer=LocalTimeRenderer(),
    )
    local_api._exception_handlers = dict(core_api._exception_handlers)
    local_api.add_router("/payments", router)
    urlpatterns = [path("api/v1/", local_api.urls)]
