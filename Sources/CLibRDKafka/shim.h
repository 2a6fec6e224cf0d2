// librdkafka's public API and its in-process mock cluster (the pinned build of scripts/build-librdkafka.sh).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
