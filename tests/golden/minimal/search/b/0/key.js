zwgkData("b/0/key","c8217a09bd035d9c");
