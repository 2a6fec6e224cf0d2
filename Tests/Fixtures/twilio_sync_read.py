#!/usr/bin/env python3
"""Reads a Sync service's Documents, Maps and Map Items back with Twilio's official Python SDK (twilio-python), as an
independent client of the local emulator. Prints one JSON object on one line:

  {"documents": [listed, page size 2], "fetched_documents": [each fetched by SID],
   "maps": [listed, page size 2, each with "fetched" (by unique name), "items" (listed with page size 2, so the SDK
            follows the emulator's next_page_url), "items_desc" (the same in descending order), "items_from" (the keys
            after the second key, exclusive bounds) and "fetched_items" (each fetched by key)],
   "update": {"before": the revision fetched, "stale": {"status", "code"}, "updated": the document}}

Objects as the SDK's instances hold them: "sid" or "key", "unique_name", "revision", "data" (Documents and items),
"date_created", "date_updated", "date_expires" (ISO 8601 in UTC, to the second), "url", "account_sid",
"service_sid", "created_by"; items also "map_sid".

The update: UPDATE_DOCUMENT (a unique name) is updated with a stale If-Match (the SDK must raise 412/54103), then with
the revision the SDK fetched.

Usage: twilio_sync_read.py BASE_URL ACCOUNT_SID AUTH_TOKEN SERVICE_SID UPDATE_DOCUMENT

BASE_URL replaces the Sync domain's https://sync.twilio.com (the tests give the emulator's loopback address).
"""
import json
import os
import sys

# Only the emulator is spoken to: no proxy, no Twilio edge or region rewriting the host.
for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
             "TWILIO_EDGE", "TWILIO_REGION"):
    os.environ.pop(name, None)

from twilio.base.exceptions import TwilioRestException  # noqa: E402
from twilio.rest import Client  # noqa: E402


def date(value):
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def common(instance):
    return {"revision": instance.revision, "date_created": date(instance.date_created),
            "date_updated": date(instance.date_updated), "date_expires": date(instance.date_expires),
            "url": instance.url, "account_sid": instance.account_sid, "service_sid": instance.service_sid,
            "created_by": instance.created_by}


def document(instance):
    return dict(common(instance), sid=instance.sid, unique_name=instance.unique_name, data=instance.data)


def sync_map(instance):
    return dict(common(instance), sid=instance.sid, unique_name=instance.unique_name)


def item(instance):
    return dict(common(instance), key=instance.key, map_sid=instance.map_sid, data=instance.data)


def main():
    base_url, account_sid, auth_token, service_sid, update_document = sys.argv[1:6]
    client = Client(account_sid, auth_token)
    client.sync.base_url = base_url
    service = client.sync.v1.services(service_sid)

    documents = service.documents.list(page_size=2)
    fetched_documents = [document(service.documents(d.sid).fetch()) for d in documents]
    maps = []
    for listed in service.sync_maps.list(page_size=2):
        items = service.sync_maps(listed.sid).sync_map_items
        ascending = items.list(page_size=2)
        described = sync_map(listed)
        described["fetched"] = sync_map(service.sync_maps(listed.unique_name or listed.sid).fetch())
        described["items"] = [item(i) for i in ascending]
        described["items_desc"] = [item(i) for i in items.list(order="desc", page_size=2)]
        described["items_from"] = (
            [i.key for i in items.list(from_=ascending[1].key, bounds="exclusive", page_size=2)]
            if len(ascending) > 1 else [])
        described["fetched_items"] = [item(items(i.key).fetch()) for i in ascending]
        maps.append(described)

    target = service.documents(update_document)
    current = target.fetch()
    try:
        target.update(data={"stale": True}, if_match=str(int(current.revision, 16) + 1))
        stale = {"status": None, "code": None}
    except TwilioRestException as error:
        stale = {"status": error.status, "code": error.code}
    updated = target.update(data={"updated": True, "by": "twilio-python"}, if_match=current.revision)

    print(json.dumps({
        "documents": [document(d) for d in documents],
        "fetched_documents": fetched_documents,
        "maps": maps,
        "update": {"stale": stale, "updated": document(updated), "before": current.revision},
    }, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
