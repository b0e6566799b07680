"""A test-local API carrying only the documents router, with the root API's problem+json
handlers, until the router is mounted at ``/api/v1/documents`` in ``tinhso.core.api``."""

from django.urls import path
from ninja import NinjaAPI

from tinhso.attachments.api import router
from tinhso.core.api import LocalTimeRenderer
from tinhso.core.api import api as root_api

api = NinjaAPI(urls_namespace="attachments-test", renderer=LocalTimeRenderer(), auth=None)
for exception_class, handler in root_api._exception_handlers.items():
    api.add_exception_handler(exception_class, handler)
api.add_router("/documents", router)

urlpatterns = [path("api/v1/", api.urls)]
