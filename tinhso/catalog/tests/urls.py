"""URLs for the catalogue API tests: the project's URLs once the router is mounted in
``tinhso.core.api``; until then a test-local API with the same problem+json error handlers."""

from django.urls import path
from ninja import NinjaAPI

from tinhso.catalog.api import router
from tinhso.core.api import api as core_api

if any(mounted is router for _, mounted in core_api._routers):
    from tinhso.urls import urlpatterns
else:
    local_api = NinjaAPI(title="tinhso catalogue (tests)", urls_namespace="catalog-tests")
    local_api._exception_handlers = dict(core_api._exception_handlers)
    local_api.add_router("/catalog", router)
    urlpatterns = [path("api/v1/", local_api.urls)]
