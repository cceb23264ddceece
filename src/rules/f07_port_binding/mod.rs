//! Factor VII — Port binding: export services via port binding.
