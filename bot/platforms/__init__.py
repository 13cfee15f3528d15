"""The one HTTP path to the platforms: limits, answers, paging, the registry; providers are
leaves."""
