"""What events, shop listings and notices share: status, publishing group, versions, images."""
