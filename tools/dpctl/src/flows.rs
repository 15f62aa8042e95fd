//! Flow requests.
