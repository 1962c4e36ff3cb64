zwgkData("b/0/key","e8d34038f36e58c0");
