//! The flow table (keys, masks, actions, the RCU table): built by the flow issue.
