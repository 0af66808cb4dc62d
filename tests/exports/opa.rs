//! The opa export against the real engine (being written).
