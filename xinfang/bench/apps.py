from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "xinfang.bench"
    label = "bench"
    verbose_name = "Benchmark data"
