//! The casbin export against the real engine (being written).
