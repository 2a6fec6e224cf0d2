// librdkafka's public API and its in-process mock cluster (Debian: librdkafka-dev).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
