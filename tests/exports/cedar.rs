//! The cedar export against the real engine (being written).
