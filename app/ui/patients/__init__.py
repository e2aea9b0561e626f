"""The patients screen: the ward's patients, their stays and their demographics."""
